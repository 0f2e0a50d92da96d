#![allow(dead_code)]
pub mod fault_server;
pub mod forge;
pub mod governance;
pub mod live;
pub mod rest;
