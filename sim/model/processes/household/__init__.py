"""The household's path (004, DATA.md § workflow), sequenced by :mod:`.path`.

Arrivals → reception → referral → long-term follow-up and payment → closure and re-entry.
"""
