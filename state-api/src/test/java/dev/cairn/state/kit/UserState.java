package dev.cairn.state.kit;

/**
 * Version 2 of a user's state, written by {@link UserStateSerializer}.
 *
 * @param name the user's name
 * @param age the user's age
 * @param email the email, added in format 2 (empty when restored from format 1)
 */
public record UserState(String name, int age, String email) {}
