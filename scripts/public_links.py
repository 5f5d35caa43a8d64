"""The kit's public address, in one place, and the README links made from it.

REPOSITORY and BRANCH below are the only place the address is written. README.md uses it in
blocks that this script writes between markers: ``clone`` (the first commands a student types)
and ``colab`` (the notebook cell for Colab, and the link definitions behind the Binder and Colab
badges). Once the repository is public: set REPOSITORY (and BRANCH), run
``python scripts/public_links.py`` and commit README.md. ``tests/test_setup.py`` fails while a
block in README.md differs from what this script writes.

    python scripts/public_links.py           rewrite the blocks in README.md
    python scripts/public_links.py --print   print them
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

#: Where the repository lives (GitHub, where Binder and Colab find it).
REPOSITORY = "https://github.com/OWNER/REPO"
#: The branch Binder builds and Colab opens.
BRANCH = "main"
#: The notebook both open, relative to the repository's root.
NOTEBOOK = "notebooks/Neural_Networks.ipynb"

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN = "<!-- {name}: written by scripts/public_links.py from its REPOSITORY; edit that, run it -->"
END = "<!-- end of {name} -->"


def links(repository=REPOSITORY, branch=BRANCH):
    """Return the README's link targets, {name: URL}: repository, binder, colab.

    Parameters
    ----------
    repository : str
        ``https://github.com/OWNER/NAME``.
    branch : str

    Returns
    -------
    dict of str to str
    """
    parts = urlsplit(repository)
    slug = parts.path.strip("/")
    if parts.scheme != "https" or parts.netloc != "github.com" or slug.count("/") != 1:
        raise ValueError(f"repository must be https://github.com/OWNER/NAME, got {repository!r}")
    return {
        "repository": repository,
        # Binder builds binder/ and opens JupyterLab at urlpath (scripts/start_lab.START_URL).
        "binder": f"https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/{NOTEBOOK}",
        "colab": f"https://colab.research.google.com/github/{slug}/blob/{branch}/{NOTEBOOK}",
    }


def blocks(repository=REPOSITORY, branch=BRANCH):
    """Return the README's blocks, {name: text between the markers}.

    ``clone`` holds the commands of the first screen; ``colab``, the first cell for Colab and
    the link definitions that the badges ``[...][binder]`` and ``[...][colab]`` use.
    """
    targets = links(repository, branch)
    folder = repository.rstrip("/").rsplit("/", 1)[1]
    return {
        "clone": "\n".join([
            "```bash",
            f"git clone {repository}",
            f"cd {folder}",
            "make lab",
            "```",
        ]),
        "colab": "\n".join([
            "```text",
            f"!git clone --depth 1 --branch {branch} {repository} kit",
            '%pip install -q -e "kit[notebooks]"',
            "```",
            "",
            *(f"[{name}]: {url}" for name, url in targets.items()),
        ]),
    }


def rewrite(text, new_blocks):
    """``text`` with each block's part between its markers replaced by ``new_blocks[name]``."""
    for name, body in new_blocks.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        start, stop = text.find(begin), text.find(end)
        if start < 0 or stop < start:
            raise ValueError(f"README.md has no block from {begin!r} to {end!r}")
        text = f"{text[:start]}{begin}\n{body}\n{text[stop:]}"
    return text


def main(argv):
    """Rewrite README.md's blocks (no arguments) or print them (``--print``); return exit code."""
    if argv == ["--print"]:
        for name, body in blocks().items():
            print(f"{BEGIN.format(name=name)}\n{body}\n{END.format(name=name)}\n")
    elif not argv:
        README.write_text(rewrite(README.read_text(encoding="utf-8"), blocks()),
                          encoding="utf-8")
        print(f"public_links: README.md links point at {REPOSITORY} ({BRANCH})")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
