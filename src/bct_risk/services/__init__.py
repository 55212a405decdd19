"""Use cases of the register: one transaction each, validated, audited. No Textual."""
