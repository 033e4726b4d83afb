"""``python -m analysis.i18n``: compile every catalogue (.po -> .mo); the build step."""

from analysis.i18n.catalogue import compile_all

if __name__ == "__main__":
    for path in compile_all():
        print(path.relative_to(path.parents[3]))
