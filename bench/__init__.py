"""`make bench` (`python -m bench`): every target printed with its figure and met / MISSED, the load average
before each run, and a non-zero exit status when any target is missed (see bench/__main__.py, bench/report.py).

Each module can also run on its own, e.g. `python -m bench.analysis` or `python -m bench.exams`.
"""
