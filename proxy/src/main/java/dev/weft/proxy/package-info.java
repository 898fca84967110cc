/** Weft's data plane: a Netty proxy configured only through xDS (see ARCHITECTURE.md). */
package dev.weft.proxy;
