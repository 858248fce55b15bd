"""``xl-addin build-addin``: the Excel add-in built from the text sources in ``addin/`` and
the button table (``buttons``). The build itself is ``build.build_addin``; this package
imports nothing, so ``xl_addin.ribbon`` can import ``buttons`` without the build's
dependencies."""
