#![allow(dead_code)]
pub mod fault_server;
pub mod live;
pub mod rest;
