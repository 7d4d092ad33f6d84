//! The pages for the casework worklist (every statutory clock of the cases in scope) and caseloads.
