export function StartupError({ message }: { message: string }) {
  return (
    <main className="startup-error" role="alert">
      <h1>Labdesk could not start</h1>
      <p>{message}</p>
    </main>
  );
}
