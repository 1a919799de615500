ExUnit.start(exclude: [:clustered])
