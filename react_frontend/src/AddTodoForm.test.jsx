import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import AddTodoForm from './AddTodoForm.jsx'
import { ApiError } from './api.js'

describe('AddTodoForm', () => {
  it('asks for a title instead of sending a blank one', async () => {
    const onAdd = vi.fn()
    render(<AddTodoForm onAdd={onAdd} />)

    await userEvent.click(screen.getByRole('button', { name: 'Add' }))

    expect(screen.getByRole('alert')).toHaveTextContent('Type a title first.')
    expect(onAdd).not.toHaveBeenCalled()
  })

  it('shows the API error for the title and keeps the text', async () => {
    const onAdd = vi.fn(() =>
      Promise.reject(new ApiError('title: Must not be blank.', { status: 400, errors: { title: ['Must not be blank.'] } })),
    )
    render(<AddTodoForm onAdd={onAdd} />)

    await userEvent.type(screen.getByLabelText('New todo'), 'x{Enter}')

    expect(await screen.findByRole('alert')).toHaveTextContent('Must not be blank.')
    expect(screen.getByLabelText('New todo')).toHaveValue('x')
    expect(screen.getByLabelText('New todo')).toHaveAttribute('aria-invalid', 'true')
  })
})
