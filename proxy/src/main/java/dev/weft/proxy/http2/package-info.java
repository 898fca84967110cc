/**
 * HTTP/2 on both sides of the proxy: downstream h2c (prior knowledge and {@code Upgrade: h2c}) whose
 * streams run through the same connection manager as HTTP/1.1 requests, the frame codecs with their
 * flood limits, and the guard that counts and answers protocol abuse with GOAWAY.
 */
package dev.weft.proxy.http2;
