//! The service directory: entries, opening hours, "open now" in Brussels
//! time, and the Open Referral HSDS 3.0 exchange format (DESIGN section 7).
