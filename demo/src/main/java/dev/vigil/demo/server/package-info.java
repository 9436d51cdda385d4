/**
 * The demo's model server: {@link dev.vigil.demo.server.ModelServer} serves an ONNX image
 * classifier over HTTP/1.1 (Netty, ONNX Runtime CPU) with JSON top-k and probabilities; the
 * Vigil capture agent sits in front of it in the demo.
 */
package dev.vigil.demo.server;
