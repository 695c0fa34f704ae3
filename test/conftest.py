"""pytest configuration: what is collected, and how hard the property tests try.

The samples ``test.py`` and ``test_rtcroom.py`` are scripts a user runs (test_samples.py runs them
in a child process); they are not test modules.

Hypothesis runs the "quick" profile by default, for a contributor's run of the whole suite; CI
selects "thorough" (``HYPOTHESIS_PROFILE=thorough``), with many more examples per property.
"""

import os

from hypothesis import HealthCheck, settings

collect_ignore = ["test.py", "test_rtcroom.py", "benchmark.py"]

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
