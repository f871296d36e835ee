"""Data checks, as Great Expectations 1.x suites kept in code. See suites.py for every rule."""

import sys

# Great Expectations probes pyspark when it is installed (the [spark] extra) and imports
# its Spark Connect module: over a second of import for a data source we never use (our
# suites read pandas frames; Spark runs inside dbt's own process), and under a test
# runner pyspark's doctest guard calls sys.exit. GX treats a failed import as "not
# installed". Set only when nothing imported pyspark before.
sys.modules.setdefault("pyspark", None)  # type: ignore[arg-type]
