//! Ofsted Annex A Lists 1–7.
