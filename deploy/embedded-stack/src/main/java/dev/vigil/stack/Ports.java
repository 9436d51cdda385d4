package dev.vigil.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks, so that a taken port fails with a sentence rather than a bind trace. */
final class Ports {
  static final String HOST = "127.0.0.1";

  private Ports() {}

  /** An ephemeral port that was free a moment ago (the server binds it right after). */
  static int pickFree() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new StackException("Cannot find a free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fails with the contract's one-line message when {@code port} cannot be bound on loopback.
   * SO_REUSEADDR matches what the servers do, so sockets left in TIME_WAIT by a server we
   * stopped a moment ago do not count as "in use".
   */
  static void requireFree(String server, int port, String option) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), port));
    } catch (IOException e) {
      throw new StackException(inUseMessage(server, port, option), e);
    }
  }

  static String inUseMessage(String server, int port, String option) {
    return server + " port " + port + " on " + HOST
        + " is already in use; stop the other process or pass " + option;
  }

  /** True when something accepts connections on {@code port} (used to prove ports are freed). */
  static boolean isListening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress(loopback(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static InetAddress loopback() {
    try {
      return InetAddress.getByName(HOST);
    } catch (IOException e) {
      throw new IllegalStateException("127.0.0.1 must always resolve", e);
    }
  }
}
