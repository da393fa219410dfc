"""`make bench`: the production server shape under load, measured with wrk (see run_bench.py)."""
