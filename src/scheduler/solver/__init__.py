"""CP-SAT engine: candidate shifts, rule families, solve."""
