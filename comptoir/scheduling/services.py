def scheduling_seed(*, workspace): pass
