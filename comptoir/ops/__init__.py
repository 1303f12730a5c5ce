"""Operations: database upkeep run by the embedded worker (planner statistics)."""
