import HealthStatus from './HealthStatus.jsx'
import TodoApp from './TodoApp.jsx'

export default function App() {
  return (
    <main>
      <h1>Docker workshop todos</h1>
      <TodoApp />
      <HealthStatus />
    </main>
  )
}
