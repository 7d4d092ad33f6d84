//! The CIN census XML file.
