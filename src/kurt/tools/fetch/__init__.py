"""The ``fetch`` tool and its engines (fetchers)."""
