"""Staff time that is not a household's task.

The daily overhead block, module administrators' clerical work, the reinforcement's reserve
seats, and people (absences, leavers, newcomers).
"""
