"""The household's path (004, DATA.md § workflow): arrivals → reception → referral → long-term
follow-up and payment → closure and re-entry, sequenced by :mod:`.path`."""
