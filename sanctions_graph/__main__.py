import sys

from sanctions_graph.cli import main

sys.exit(main())
