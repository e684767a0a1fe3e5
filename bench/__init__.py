"""`make bench` (`python -m bench`): timing targets, reported as ratios against a baseline measured in the same run.

Each module can also run on its own, e.g. `python -m bench.analysis`.
"""
