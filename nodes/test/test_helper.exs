ExUnit.configure(exclude: [:clustered])
ExUnit.start()
