//! The proxy end to end over HTTP, against its in-process SFT simulator (clock frozen),
//! a standalone simulator reached as a real SFT, or a scripted fake SFT for answers the
//! simulator cannot give. One test binary, so that the proxy is linked once.

mod api;
mod auth;
mod edges;
mod etiquette;
mod observability;
mod redis;
mod support;
