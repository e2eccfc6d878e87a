/**
 * Publishing Cairn's figures: {@link dev.cairn.checkpoint.metrics.CairnMetrics} gathers a
 * coordinator's checkpoint figures and its participants' backend figures under a job name, registers
 * them as JMX MBeans or binds them to a Micrometer registry ({@link
 * dev.cairn.checkpoint.metrics.CairnMeterBinder}, with Micrometer on the class path); {@link
 * dev.cairn.checkpoint.metrics.CheckpointAlerts} turns thresholds into callbacks.
 */
package dev.cairn.checkpoint.metrics;
