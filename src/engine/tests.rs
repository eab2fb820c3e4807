//! Unit tests of the rules engine: every error code, every transition, the deadline instant.
