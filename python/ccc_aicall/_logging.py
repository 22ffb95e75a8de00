"""``CCC_AICALL_LOG=debug`` (read by the native module at import): show the ``ccc_aicall`` logger on stderr."""

from __future__ import annotations

import logging


def enable(level: int) -> None:
    """Set the ``ccc_aicall`` logger's level and, unless the application configured handlers, print to stderr."""
    logger = logging.getLogger("ccc_aicall")
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(levelname)s %(name)s] %(message)s"))
        logger.addHandler(handler)
