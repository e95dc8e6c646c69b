package io.headroom.server;

/** Entry point of the {@code headroom} program. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("headroom: not yet wired");
    }
}
