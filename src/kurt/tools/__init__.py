"""Tools and their engines: the contract (``base``, ``context``, ``result``,
``progress``, ``execute``) and Kurt's own ``fetch`` and ``map`` tools."""
