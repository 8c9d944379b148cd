"""Static files storage for production: WhiteNoise's compressed, hashed-name storage without the rewriting
of source-map comments.

A vendored build such as markercluster's minified JS names a source map its package does not ship, and the
manifest storage refuses a reference to a missing file, which would abort ``collectstatic``. Source maps
are a debugging aid, so their comments are left as they are; CSS ``url()`` and JS ``import`` references
are still rewritten to the hashed names.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    return tuple(
        (extension, tuple(rule for rule in rules if "sourceMappingURL" not in str(rule)))
        for extension, rules in patterns
    )


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
