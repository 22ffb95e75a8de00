"""The native half of :class:`ccc_aicall.testing.Emulator`, a local emulator of the CreateAICall service.

Use it through ``ccc_aicall.testing``; this package exists so that the runtime package (``ccc-aicall``) does not
carry a test server into production installs. Install both with ``pip install "ccc-aicall[testing]"``.
"""

from ._native import Emulator, __version__

__all__ = ["Emulator", "__version__"]
