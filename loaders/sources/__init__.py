"""One package (or module) per source format. No source imports another: shared parts live in loaders.common and
loaders.framework."""
