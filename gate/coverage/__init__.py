"""Coverage data: a Cobertura XML reader and the per-file line model it builds."""
