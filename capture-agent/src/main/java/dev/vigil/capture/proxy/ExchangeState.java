package dev.vigil.capture.proxy;

/**
 * Where one exchange stands on its upstream side. All moves go through {@link #to}, the one
 * place the legal transitions are written:
 *
 * <pre>
 *   CONNECTING --upstream attached--> FORWARDING --final head--> RESPONDING --last content--> DONE
 *                                     FORWARDING --1xx head--> INTERIM --its empty last content--> FORWARDING
 *   CONNECTING, FORWARDING, INTERIM, RESPONDING --upstream failed / timed out / client gone--> DONE
 * </pre>
 *
 * The request direction is not part of this state: a request may end while CONNECTING or go on
 * streaming after an early answer, so {@link Exchange#requestComplete} is tracked beside it.
 */
enum ExchangeState {
  /** Request head read, upstream connection pending: request parts queue, the client is not read. */
  CONNECTING,
  /** Upstream attached and bound; no final response head yet. */
  FORWARDING,
  /** A 1xx head was forwarded; its empty last content is still to come and is swallowed. */
  INTERIM,
  /** The final response head was forwarded; its body streams to the client. */
  RESPONDING,
  /** Terminal: completed, answered with an error, or abandoned. */
  DONE;

  /**
   * @return {@code next}
   * @throws IllegalStateException naming both states when the move is not in the diagram
   */
  ExchangeState to(ExchangeState next) {
    boolean legal =
        switch (this) {
          case CONNECTING -> next == FORWARDING || next == DONE;
          case FORWARDING -> next == INTERIM || next == RESPONDING || next == DONE;
          case INTERIM -> next == FORWARDING || next == DONE;
          case RESPONDING -> next == DONE;
          case DONE -> false;
        };
    if (!legal) {
      throw new IllegalStateException("exchange in state " + this + " cannot move to " + next);
    }
    return next;
  }
}
