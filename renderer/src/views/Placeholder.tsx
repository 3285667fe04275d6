export function EmptyState({ text, children }: { text: string; children?: React.ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <p>{text}</p>
      {children}
    </div>
  );
}
