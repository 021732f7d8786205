"""The ``map`` tool and its engines (mappers)."""
