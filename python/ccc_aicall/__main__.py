"""``python -m ccc_aicall``: the ``ccc-aicall`` command (see ``ccc_aicall._cli``)."""

from ._cli import entry

if __name__ == "__main__":
    entry()
