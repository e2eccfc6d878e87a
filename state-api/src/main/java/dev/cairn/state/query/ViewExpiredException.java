package dev.cairn.state.query;

/**
 * Thrown by a read of a {@link StateView} older than its {@link StateViews.Builder#maxLifetime}: the
 * view was closed and what it pinned released. Views are for short reads; acquire a new one.
 */
public class ViewExpiredException extends ViewClosedException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the view's time and the limit. */
  public ViewExpiredException(String message) {
    super(message);
  }
}
