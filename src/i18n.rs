//! The traveler's language: message catalogs and Intl formatting (work in progress).
