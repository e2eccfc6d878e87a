/**
 * Figures about keyed state that any thread may read while the task thread processes: {@link
 * dev.cairn.state.metrics.MeteredBackend#metrics()} returns an immutable {@link
 * dev.cairn.state.metrics.BackendMetrics} with one {@link dev.cairn.state.metrics.StateMetrics} per
 * state, and {@link dev.cairn.state.metrics.RestoreListener} hears how a restore progresses. The
 * checkpoint module adds checkpoint figures and publishes all of them through JMX and Micrometer.
 */
package dev.cairn.state.metrics;
