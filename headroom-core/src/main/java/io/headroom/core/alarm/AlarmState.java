package io.headroom.core.alarm;

/** CloudWatch's alarm states. */
public enum AlarmState { OK, ALARM, INSUFFICIENT_DATA }
