package io.headroom.server;

import io.headroom.server.cli.ActivitiesCommand;
import io.headroom.server.cli.ExecutePolicyCommand;
import io.headroom.server.cli.InstancesCommand;
import io.headroom.server.cli.LifecycleCommand;
import io.headroom.server.cli.ProcessesCommand;
import io.headroom.server.cli.RefreshCommand;
import io.headroom.server.cli.ScaleCommand;
import io.headroom.server.cli.SetInstanceHealthCommand;
import io.headroom.server.cli.StandbyCommand;
import io.headroom.server.cli.StatusCommand;
import io.headroom.server.cli.TargetsCommand;
import io.headroom.server.demo.DemoAppCommand;
import io.headroom.server.load.LoadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code headroom} program. */
@Command(name = "headroom", mixinStandardHelpOptions = true, version = "headroom 0.1.0",
        description = "Load balancing and auto scaling for your own machines.",
        subcommands = {UpCommand.class, ValidateCommand.class, DemoAppCommand.class, LoadCommand.class,
                StatusCommand.class, ScaleCommand.class, TargetsCommand.class, ActivitiesCommand.class,
                RefreshCommand.class, ProcessesCommand.Suspend.class, ProcessesCommand.Resume.class,
                StandbyCommand.class, SetInstanceHealthCommand.class, InstancesCommand.Detach.class,
                InstancesCommand.Attach.class, ExecutePolicyCommand.class, LifecycleCommand.class, SimulateCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand; errors from options are printed as one clear line. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException) {
                cmd.getErr().println("headroom " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
