/**
 * Queryable state: read-only {@link dev.cairn.state.query.StateView}s of keyed state that threads
 * other than the task thread read concurrently with processing, each at one consistent point in
 * time. The task thread takes views at safe points ({@link dev.cairn.state.query.StateViews#refresh()}
 * between records, when a reader waits for one); readers {@link
 * dev.cairn.state.query.StateViews#acquire() acquire} the latest. Backends provide them through
 * {@link dev.cairn.state.spi.QueryableBackend}.
 */
package dev.cairn.state.query;
