"""The embedded engine's root-cause classifier: features over the packaged embeddings and a
calibrated linear model, shipped as a small committed artifact."""
