/**
 * JMH benchmarks of Cairn's backends against Flink's and the raw ceilings. Built by the benchmark issue.
 */
package dev.cairn.benchmarks;
